"""What single lessons need and a user may reuse: a loopback HTTP server with a set latency,
HTTP clients and the CPU cost of a batch, generated log data and object sizes. Built on the engine and display."""
