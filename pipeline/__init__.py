"""Normalization and storage: raw postings in, typed SQL rows out."""
