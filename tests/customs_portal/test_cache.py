"""customs_portal.cache: one Redis pool and one client per process, for every cache backend."""
import threading

from django.core.cache import cache, caches

from customs_portal.cache import RedisCache, SharedConnectionPool


def test_backends_of_all_threads_share_one_pool_and_one_client():
    assert isinstance(caches["default"], RedisCache)
    clients = []

    def use_the_cache():
        backend = caches.create_connection("default")  # what a new thread or request gets
        clients.append(backend._cache.get_client(write=True))

    threads = [threading.Thread(target=use_the_cache) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clients.append(cache._cache.get_client(write=False))
    assert len({id(client) for client in clients}) == 1
    assert isinstance(clients[0].connection_pool, SharedConnectionPool)


def test_the_shared_client_reads_and_writes():
    cache.set("shared-client-test", {"n": 1}, 30)
    assert cache.get("shared-client-test") == {"n": 1}
    cache.set("shared-client-test-count", 0, 30)
    assert cache.incr("shared-client-test-count") == 1
    cache.delete_many(["shared-client-test", "shared-client-test-count"])
    assert cache.get("shared-client-test") is None
