"""A TCP proxy between one broker and ZooKeeper that the test can cut and heal: a network
partition between that broker and ZooKeeper without root (no iptables). Cut, it keeps the
connections open but forwards nothing and accepts new ones that go nowhere, as a dropped
link does: no reset tells the broker, its session expires on the server once the timeout
passes without pings. Healed, it closes the connections it blackholed (the broker
reconnects) and forwards again."""

import select
import socket
import threading


class ZooKeeperProxy:
    """Listens on a free loopback port and forwards each connection to `target_port`."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.cut = False
        self.links = []  # [client socket, server socket or None]
        self.closed = False
        self.thread = threading.Thread(target=self._accept, name="zk-proxy-%d" % self.port,
                                       daemon=True)
        self.thread.start()

    def set_cut(self, cut):
        """Cuts (True) or heals (False) the link; healing drops the blackholed connections."""
        with self.lock:
            self.cut = cut
            if not cut:
                for link in self.links:
                    self._close_link(link)
                self.links = []

    def close(self):
        with self.lock:
            self.closed = True
            for link in self.links:
                self._close_link(link)
            self.links = []
        self.listener.close()

    @staticmethod
    def _close_link(link):
        for s in link:
            if s is not None:
                try:
                    s.close()
                except OSError:
                    pass

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            with self.lock:
                if self.closed:
                    client.close()
                    return
                if self.cut:
                    self.links.append([client, None])  # held open, forwarded nowhere
                    continue
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            link = [client, server]
            with self.lock:
                self.links.append(link)
            threading.Thread(target=self._pump, args=(link,), daemon=True).start()

    def _pump(self, link):
        client, server = link
        peers = {client: server, server: client}
        try:
            while True:
                readable, _, _ = select.select([client, server], [], [], 0.2)
                with self.lock:
                    if link not in self.links:
                        return
                    cut = self.cut
                for s in readable:
                    data = s.recv(65536)
                    if not data:
                        raise OSError("closed")
                    if not cut:
                        peers[s].sendall(data)
        except (OSError, ValueError):
            with self.lock:
                if link in self.links:
                    self.links.remove(link)
            self._close_link(link)
