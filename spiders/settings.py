"""Scrapy settings for emr-jobs crawls: polite by default, pipelines in order, stats kept; the
`EMR_*` values come from emr_jobs.defaults."""

from emr_jobs import __version__, defaults

BOT_NAME = "emr-jobs"
USER_AGENT = f"emr-jobs/{__version__} (+https://github.com/emr-jobs/emr-jobs; job-market research)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
# Items of one response go through the (synchronous) pipelines one after another: with the default
# of 100 Scrapy makes a task per item for no gain (bench/crawl.py: 0.55x -> 0.82x of a bare spider).
CONCURRENT_ITEMS = 1
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024  # a body larger than this is cut off and its request fails
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
# Only http(s): the file, data, ftp and s3 handlers are switched off, and emr_jobs.spiders.safety refuses
# other schemes, hosts a source does not own, and credentials sent to another host.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
DOWNLOADER_MIDDLEWARES = {"emr_jobs.spiders.safety.SafetyMiddleware": 50}
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 2.0  # Scrapy >= 2.19 backs off exponentially between retries
RETRY_BACKOFF_MAX = 60.0
HTTPERROR_ALLOW_ALL = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"
CLOSESPIDER_TIMEOUT = 3 * 3600
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

ITEM_PIPELINES = {
    "emr_jobs.spiders.pipelines.RelevancePipeline": 100,
    "emr_jobs.spiders.pipelines.NormalizePipeline": 200,
    "emr_jobs.spiders.pipelines.ValidatePipeline": 300,
    "emr_jobs.spiders.pipelines.StorePipeline": 400,
}

# Per-platform API roots that replace the public ones (a registry source's base_url wins over these).
EMR_BASE_URLS: dict[str, str] = {}
# Database URL the store pipeline writes to; set by `emr-jobs crawl`.
EMR_DATABASE_URL = None
EMR_STORE_BATCH_SIZE = defaults.STORE_BATCH_SIZE
EMR_STORE_RETRIES = defaults.STORE_RETRIES
EMR_STORE_RETRY_WAIT = defaults.STORE_RETRY_WAIT_SECONDS
EMR_SQLITE_BUSY_TIMEOUT = defaults.SQLITE_BUSY_TIMEOUT_SECONDS
EMR_LEASE_SECONDS = defaults.LEASE_SECONDS
EMR_CLOSE_GUARD_SHARE = defaults.CLOSE_GUARD_SHARE  # the mass-closure guard (emr_jobs.defaults says how)
EMR_CLOSE_GUARD_MIN = defaults.CLOSE_GUARD_MIN
EMR_ACCEPT_MASS_CLOSE = False  # `--accept-mass-close`
DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
EXTENSIONS = {"emr_jobs.spiders.progress.ProgressLine": 500}
EMR_PROGRESS = False
