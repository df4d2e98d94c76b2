// Package commands owns collabbot's use cases: one method of App per action a
// seller, manager or creator can take, each checking the actor's role,
// validating input, and persisting the change, its audit event and the
// notices it queues in one transaction. Use cases return typed views and
// queue typed notices (domain.Notice): facts, never wording. Rendering lives
// in package present; the text grammar in package grammar.
//
// It depends on domain and on the small interfaces declared here (Store, Tx,
// Clock, Drafter); SQL, Slack and Discord live behind them.
package commands
