"""Normalizers: pure functions from posting text and fields to values with their evidence."""
