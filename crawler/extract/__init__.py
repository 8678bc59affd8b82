"""HTML extraction for portalwatch: pure functions from page text to snapshot fields.

``page.extract_page`` is the entry point (one parse, every field of ``Page`` that comes from
HTML); ``encoding.decode_html`` turns response bytes into that text. The other modules
each handle one concern: ``dates``, ``docnum`` (文号), ``meta``, ``layout`` (template
regions), ``navblocks``/``nav`` (column navigation), ``links``, ``lists``, ``pagination``
and ``placeholder``. No network access and no Scrapy imports here.
"""
