-- The dispatcher's reconciliation: a transaction that set app.payment_dispatch may also read attempts
-- still waiting for the provider's outcome (processing, requires_action), to ask the provider about
-- those whose webhook never came. It only reads; each is settled in its organization's transaction.
CREATE POLICY payment_reconcile ON "payment_attempts" FOR SELECT
  USING (current_setting('app.payment_dispatch', true) = 'on' AND "status" IN ('processing', 'requires_action'));
