"""The service lab: a real web service in its own process, and a load driver to put it under load.

    with pk.serve("perfkit.lessons.lab.apps:delay_app", factory=True) as svc:
        result = pk.load_test(svc.url + "/sleep?ms=20", rate=200, duration=2)

service.py starts an ASGI app (FastAPI) under uvicorn in a process of its own and stops it;
runner.py is what that process runs; apps.py holds small apps the lessons and tests serve;
client.py is a minimal HTTP/1.1 keep-alive client; load.py drives it at a fixed rate (open
loop) or with a fixed number of clients (closed loop); loadresult.py is what that returns.

For the database lessons: databases.py opens the databases a lesson compares (SQLite always,
PostgreSQL when configured, one behind a simulated round trip); blog_app.py serves endpoints that
load a page with N+1 queries or without; loadverdicts.py judges one endpoint against another
from two load tests; connections.py keeps an event loop alive between calls, for asyncpg pools.

For the service's own lessons: responses_app.py and blocking_app.py are the apps; endpoints.py
load-tests several endpoints in interleaved rounds with the server's CPU per request; wire.py times
one GET and reads the server's CPU and peak memory; compression.py counts bytes with and without
gzip; concurrency.py runs endpoints at several numbers of clients.
"""
