"""A simulator server run in a thread for a test's lifetime, stopped and closed whatever the test did."""

import threading


def serve(server):
    """Generator for pytest fixtures: `yield from serve(server)` gives the running server to the test."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop_event.set()
        server.shutdown()
        thread.join(5)
        server.server_close()
