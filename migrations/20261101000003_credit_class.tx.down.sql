DROP TABLE IF EXISTS credit_class_snapshots, credit_class_evaluations, approval_steps, approval_requests;
