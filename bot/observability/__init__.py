"""Logs that cannot be forged and metrics for Prometheus: what operators see of the assistant.

A leaf package (stdlib and prometheus-client only), so every layer may report through it.
"""
