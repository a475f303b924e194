"""The finance console: invoice and payment lists and exports, the monthly PNBP recap,
bank-statement reconciliation and refunds.

Finance sees every invoice and payment and changes only what reconciliation and
refunds change; both go through the same idempotent paths as the rest of ``orders``.
"""
