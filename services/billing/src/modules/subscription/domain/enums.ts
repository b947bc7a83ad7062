/** The subscription module's enums as values (the SDL's enums map to these). */
import { enumObject } from '@platform/domain';
import { CANCELLATION_REASONS } from './lifecycle';
import { INVOICE_KINDS, INVOICE_LINE_KINDS } from './proration';

export const CancellationReason = enumObject(CANCELLATION_REASONS);
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];
export const InvoiceKind = enumObject(INVOICE_KINDS);
export type InvoiceKind = (typeof INVOICE_KINDS)[number];
export const InvoiceLineKind = enumObject(INVOICE_LINE_KINDS);
export type InvoiceLineKind = (typeof INVOICE_LINE_KINDS)[number];
