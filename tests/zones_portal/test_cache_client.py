"""The Redis cache keeps one client per connection pool (zones_portal.cache): building a client for
every call cost as much CPU as the call."""

from zones_portal.cache import RedisCache


def test_one_client_serves_every_call_to_a_pool():
    backend = RedisCache("redis://127.0.0.1:1/0", {})  # nothing listens: no call reaches the server
    first = backend._cache.get_client("a")
    assert backend._cache.get_client("b") is first
    assert backend._cache.get_client("c", write=True) is first  # one server: reads and writes share it


def test_each_server_has_its_own_client():
    backend = RedisCache("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0", {})
    writer = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=True) is writer
    assert writer.connection_pool.connection_kwargs["port"] == 1
    reader = backend._cache.get_client()  # reads go to the replica
    assert reader is not writer
    assert reader.connection_pool.connection_kwargs["port"] == 2
