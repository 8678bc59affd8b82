"""Default Scrapy settings of the portal spider. ``portalwatch audit`` overrides the
politeness values from its options; every PORTALWATCH_* setting is documented here."""

from portalwatch import __version__

BOT_NAME = "portalwatch"
SPIDER_MODULES = ["portalwatch.crawler.spider"]
USER_AGENT = (f"Mozilla/5.0 (compatible; portalwatch/{__version__}; "
              "+government website compliance check)")
ROBOTSTXT_OBEY = True
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = "WARNING"
TELNETCONSOLE_ENABLED = False

# Politeness: the audit sets these from --concurrency/--delay.
CONCURRENT_REQUESTS = 64
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_DELAY_JITTER = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
DOWNLOAD_TIMEOUT = 15  # the national rule's limit for a page to open
DNS_TIMEOUT = 10
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = True
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # a link target declaring more is not read (unverifiable); pages are cut earlier
DOWNLOAD_WARNSIZE = 0
HTTPERROR_ALLOW_ALL = True  # the spider judges statuses itself
# Scrapy reads every generator callback's source (inspect.getsource) on every response to warn
# about ``return value`` in it: ~7 % of an audit's CPU on a night of unchanged pages. Ours return none.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Scrapy starts this many asyncio tasks for the output of every response; the spider yields
# requests only (scheduling one is synchronous), so the default 100 tasks per page were overhead
# (~1 s CPU on a night of 300 unchanged pages).
CONCURRENT_ITEMS = 4

# Breadth first: columns before deep archives.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

RETRY_ENABLED = True
RETRY_TIMES = 2
DOWNLOADER_MIDDLEWARES = {
    "portalwatch.crawler.traps.SkipTrappedRequests": 540,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "portalwatch.crawler.retry.BackoffRetryMiddleware": 550,
    "portalwatch.crawler.redirects.OffWebRedirect": 650,  # sees responses before RedirectMiddleware (600)
    # inflates gzip/deflate/br/zstd only up to the body limit (a compression bomb costs MBs)
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "portalwatch.crawler.decompress.BoundedDecompression": 590,
    # meta refresh read from the page's first 8 KB, not from a decoded copy of the whole page
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "portalwatch.crawler.metarefresh.HeadMetaRefresh": 580,
}
# Only an immediate meta refresh is a redirect; after a delay the page is read, and its target
# is one more link (the spider: a homepage that refreshes soon is a splash page, see below).
METAREFRESH_MAXDELAY = 1
EXTENSIONS = {
    "portalwatch.crawler.sizelimit.BodySizeLimit": 100,
    "portalwatch.crawler.progress.Progress": 200,
}
# Scrapy's own extensions an audit uses. The others (remote control, telnet console, memory
# debugger/usage, feed export, spider state, log stats) would be imported and built by every
# audit, and Scrapy imports each one it is told to switch off too: RemoteControl alone imports
# aiohttp, ~0.25 s of CPU per audit (an hour of CPU a night at 14,000 sites).
EXTENSIONS_BASE = {
    "scrapy.extensions.corestats.CoreStats": 0,
    "scrapy.extensions.logcount.LogCount": 0,
    "scrapy.extensions.closespider.CloseSpider": 0,
    "scrapy.extensions.throttle.AutoThrottle": 0,
}
# Only http(s) is ever fetched (crawler/spider.py follows nothing else): the ftp, s3, file and
# data handlers Scrapy builds at start-up by default would only cost their imports.
DOWNLOAD_HANDLERS_BASE = {
    "http": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler",
    "https": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler",
}
# Scrapy's spider middlewares without MetaCopyDetectionMiddleware (a development aid that
# inspects every response); crawler/render.py adds the render middleware (SPIDER_MIDDLEWARES).
SPIDER_MIDDLEWARES_BASE = {
    "scrapy.spidermiddlewares.start.StartSpiderMiddleware": 25,
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": 50,
    "scrapy.spidermiddlewares.referer.RefererMiddleware": 700,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": 800,
    "scrapy.spidermiddlewares.depth.DepthMiddleware": 900,
}

# portalwatch's own settings
PORTALWATCH_MAX_PAGES = 5000
PORTALWATCH_MAX_PAGE_BYTES = 4 * 1024 * 1024  # a page body is cut here and marked truncated
PORTALWATCH_PROBE_BYTES = 256 * 1024  # body read when a link check needs to look at the page
PORTALWATCH_MAX_LINKS_PER_PAGE = 5000  # links of one page that are checked or followed; the rest is a skip
PORTALWATCH_RETRY_BACKOFF = 0.5  # first retry waits this long, doubling each time
PORTALWATCH_RETRY_BACKOFF_MAX = 10.0
PORTALWATCH_RETRY_AFTER_MAX = 30.0  # longest Retry-After honoured
PORTALWATCH_MAX_URL_LENGTH = 512
PORTALWATCH_SCOPE = "auto"  # host: the whole host; path: the start URL's directory; auto: path when not "/"
PORTALWATCH_TRAP_REPEATS = 8  # calendar pages in a row that show nothing new (dates/digits aside): a trap
PORTALWATCH_TRAP_REPEATS_PLAIN = 20  # same for other query parameters (printed dates aside); ids with content never
PORTALWATCH_CALENDAR_WINDOW_DAYS = 730  # beyond this from --as-of, 2 repeated calendar pages end the calendar
PORTALWATCH_MAX_DEPTH = 40
PORTALWATCH_HOME_REFRESH_MAX_DELAY = 100  # s: a homepage refreshing sooner is a splash; its target is read as the homepage
PORTALWATCH_PROGRESS = True
PORTALWATCH_PROGRESS_INTERVAL = 5.0  # seconds between plain progress lines when stderr is not a TTY
# words whose sentences the extractor keeps (Page.text_hits); the audit fills it from the checks' text_terms
PORTALWATCH_TEXT_TERMS: list[str] = []
PORTALWATCH_ANALYSIS_WORKERS = "auto"  # processes parsing pages beside the crawl; "auto" = 1 on 2+ cores, 0 = inline

# Rendering in headless Chromium (crawler/render.py). The audit sets PORTALWATCH_RENDER from --render.
PORTALWATCH_RENDER = "auto"  # auto: only pages whose menu or list is built by script; always; never
PORTALWATCH_CHROMIUM = ""  # browser binary; "" = $PORTALWATCH_CHROMIUM, /usr/bin/chromium, PATH, Playwright's own
PORTALWATCH_RENDER_TIMEOUT = 20.0  # seconds one page may take to render, all included; then the plain page stands
PORTALWATCH_RENDER_IDLE_TIMEOUT = 5.0  # longest wait after load for script requests (at most half the limit)
PORTALWATCH_RENDER_QUIET = 0.3  # seconds without a request in flight that count as "the page has settled"
PORTALWATCH_RENDER_CONTEXT_PAGES = 40  # a fresh browser context after this many renders, so memory stays flat
PORTALWATCH_HOSTS: dict[str, str] = {}  # name -> address, for portalwatch.crawler.resolver.StaticResolver
PORTALWATCH_CHECKS: dict[str, str | None] = {}  # check id -> dotted path (None switches a check off)
