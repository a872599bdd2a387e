"""Adapters: each turns one transport's requests into the front door's and its answers back."""
