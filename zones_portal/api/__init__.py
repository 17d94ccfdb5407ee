"""The REST API's shared parts: token authentication, throttling, errors, pagination, base viewset."""
