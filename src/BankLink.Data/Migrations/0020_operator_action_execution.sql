-- Issue 6, four-eyes execution: an approved request is executed by OperatorActions once, as the approver, and at
-- most once. Approval itself happens once (pending -> approved under a row lock); the claim below makes execution
-- once as well, even if two nodes or a retried request race past the approval. executed_at is set (the claim) in
-- the approver's request before the action runs; execution_outcome says how it ended: 'done', 'refused:<code>' when
-- the operation refused it (the target changed meanwhile, for instance), or NULL when the node stopped in between
-- (the action's own audit event then tells whether it happened). Only an approved request is ever executed.
ALTER TABLE pending_operator_actions
    ADD COLUMN executed_at        timestamptz   NULL,
    ADD COLUMN executed_by        varchar(200)  NULL,
    ADD COLUMN execution_outcome  varchar(100)  NULL;
ALTER TABLE pending_operator_actions
    ADD CONSTRAINT ck_pending_operator_actions_executed CHECK (executed_at IS NULL OR status = 'approved'),
    ADD CONSTRAINT ck_pending_operator_actions_executed_by CHECK ((executed_at IS NULL) = (executed_by IS NULL)),
    ADD CONSTRAINT ck_pending_operator_actions_outcome CHECK (execution_outcome IS NULL OR executed_at IS NOT NULL);
