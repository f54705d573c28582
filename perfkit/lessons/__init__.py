"""What single lessons need and a user may reuse: a loopback HTTP server with a set latency,
HTTP fetch scenarios, generated log data and record classes. Built on the engine and display."""
