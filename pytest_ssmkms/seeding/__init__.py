"""Seeding: what markers, seed files and handle methods put into a world before a test."""
