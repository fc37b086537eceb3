"""Logs that cannot be forged and metrics for Prometheus: what operators see of the assistant.

A leaf package (stdlib, prometheus-client and rich only), so every layer may report through
it; `progress` shows long commands' progress on a terminal.
"""
