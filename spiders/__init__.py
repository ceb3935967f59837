"""Scrapy spiders: one reusable spider per job-board platform, employers come from the registry."""
