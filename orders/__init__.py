"""Orders of four kinds and the money behind them.

Cart and checkout (kinds decided by ``eligibility``), the order state machine
(``states``), operator review and the data-use agreement (``workflow``), invoices with
gapless numbers (``invoicing``), payment providers and the one payment-recording path
(``payments``), fulfilment tasks and signed download links (``fulfilment``, ``delivery``)
and the PDFs (``documents``).  Imports ``core``, ``accounts`` and, through
``catalog_port`` only, ``catalog``; finance (exports, statements, refunds, the PNBP recap) is ``orders.finance``.
"""
