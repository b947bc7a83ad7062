/**
 * The rendered invoice: one self-contained HTML document (inline styles, no scripts, no outside
 * resources), written once when the invoice is issued and kept as issued: what the customer received
 * never changes afterwards. Every text is escaped.
 */
import { invoiceNumber, type InvoiceRecord } from '../domain/invoice';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** 123456n in usd → "1,234.56 USD" (minor units of two decimals: billing offers only such currencies). */
export function formatMoney(cents: bigint, currency: string): string {
  const negative = cents < 0n;
  const absolute = negative ? -cents : cents;
  const whole = (absolute / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (absolute % 100n).toString().padStart(2, '0');
  return `${negative ? '−' : ''}${whole}.${fraction} ${currency.toUpperCase()}`;
}

function day(date: Date | null): string {
  return date ? date.toISOString().slice(0, 10) : '';
}

function period(start: Date | null, end: Date | null): string {
  return start && end ? `${day(start)} – ${day(end)}` : '';
}

const KIND_TITLES: Readonly<Record<InvoiceRecord['kind'], string>> = {
  first_period: 'First period',
  renewal: 'Renewal',
  proration: 'Plan change (prorated)',
  reactivation: 'Reactivation',
};

export function renderInvoiceDocument(invoice: InvoiceRecord, billTo: readonly string[]): string {
  const rows = invoice.lines
    .map(
      (line) =>
        `<tr><td>${escape(line.description)}</td><td>${escape(period(line.periodStart, line.periodEnd))}</td>` +
        `<td class="amount">${escape(formatMoney(line.amountCents, invoice.currency))}</td></tr>`,
    )
    .join('\n');
  const billToBlock = billTo.length > 0 ? billTo.map((line) => escape(line)).join('<br>') : '—';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Invoice ${escape(invoiceNumber(invoice.sequence))}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; margin-top: 1.5rem; }
th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid #ddd; }
.amount { text-align: right; white-space: nowrap; }
.totals td { border: none; }
</style>
</head>
<body>
<h1>Invoice ${escape(invoiceNumber(invoice.sequence))}</h1>
<p>${escape(KIND_TITLES[invoice.kind])} · issued ${escape(day(invoice.issuedAt))} · status at issue: ${escape(invoice.status)}</p>
<p><strong>Bill to</strong><br>${billToBlock}</p>
<table>
<thead><tr><th>Description</th><th>Period</th><th class="amount">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot class="totals">
<tr><td></td><td>Subtotal</td><td class="amount">${escape(formatMoney(invoice.subtotalCents, invoice.currency))}</td></tr>
<tr><td></td><td>Total</td><td class="amount">${escape(formatMoney(invoice.totalCents, invoice.currency))}</td></tr>
<tr><td></td><td><strong>Amount due</strong></td><td class="amount"><strong>${escape(formatMoney(invoice.amountDueCents, invoice.currency))}</strong></td></tr>
${invoice.creditCarriedCents > 0n ? `<tr><td></td><td>Credited to your balance</td><td class="amount">${escape(formatMoney(invoice.creditCarriedCents, invoice.currency))}</td></tr>` : ''}
</tfoot>
</table>
</body>
</html>
`;
}
