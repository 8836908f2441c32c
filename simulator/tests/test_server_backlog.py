"""The listen backlog: 64 connections opened at once are all queued while the accept loop is busy, then served."""

import select
import socket

from together_simulator.scenario import normalize_scenario
from together_simulator.server import SimulatorServer, make_server
from together_simulator.simulation import Simulation
from threaded_server import serve

BURST = 64


def test_the_backlog_holds_the_largest_concurrency_of_the_collection():
    assert SimulatorServer.request_queue_size >= BURST


def test_a_burst_of_connections_is_queued_before_any_accept_then_every_one_is_answered():
    server = make_server("127.0.0.1", 0, Simulation(normalize_scenario({})), quiet=True)
    clients = []
    try:
        # Nothing accepts yet (serve_forever has not started): only the kernel's queue, the backlog, holds them.
        # Beyond it Linux drops the SYN, and that connect would not complete within the second below.
        for _index in range(BURST):
            client = socket.socket()
            client.setblocking(False)
            client.connect_ex(server.server_address)
            clients.append(client)
        pending = list(clients)
        connected = []
        for _round in range(20):
            _readable, writable, _errors = select.select([], pending, [], 0.05)
            for client in writable:
                if client.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    connected.append(client)
                pending.remove(client)
            if not pending:
                break
        assert len(connected) == BURST, "%d of %d connections completed before the first accept" % (len(connected), BURST)
        served = serve(server)
        next(served)
        try:
            for client in clients:
                client.setblocking(True)
                client.settimeout(10)
                client.sendall(b"GET /_simulator/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            status_lines = [client.makefile("rb").readline() for client in clients]
        finally:
            served.close()
        assert all(line.startswith(b"HTTP/1.1 200 ") for line in status_lines), status_lines
    finally:
        for client in clients:
            client.close()
        server.server_close()
