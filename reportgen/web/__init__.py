"""网上报送 (``reportgen serve``): agencies upload their workbooks through a personal
link and see the same findings as ``reportgen check``; the office watches every
agency, accepts or sends back, renders all accepted reports and sums them.

A Django app, imported only by ``reportgen serve`` and the web tests: the command
line never imports Django.  :func:`setup` configures Django for one data folder
(SQLite in WAL mode by default, PostgreSQL by URL) before anything else here is
imported.  The web layer calls the library through :mod:`.library` only.
"""
