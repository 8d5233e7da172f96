"""Transports: thin adapters that carry an HTTP request from a client to ``protocol.serve`` and back."""
