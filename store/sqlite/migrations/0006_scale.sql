-- Indexes for reading what is due and for paging at scale (issue 12).
--
-- The per-minute sweep asks for lowered rates due, undecided requests past
-- their window and shipped samples past their posting date: each is a walk
-- of a small slice of an index instead of every live row.
CREATE INDEX invitations_rate_due ON invitations (pending_from) WHERE pending_rate <> 0;
CREATE INDEX sample_requests_state_requested ON sample_requests (state, requested_at);
CREATE INDEX sample_requests_state_due ON sample_requests (state, due_at);
