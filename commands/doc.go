// Package commands owns collabbot's use cases: one method of App per action a
// seller, manager or creator can take, each checking the actor's role,
// validating input, and persisting the change, its audit event and its
// outgoing messages in one transaction. It also owns the text grammar shared
// by every chat adapter (Parse) and the button custom_ids (ParseAction).
//
// It depends on domain and on the small interfaces declared here (Store, Tx,
// Clock, Drafter); SQL, Slack and Discord live behind them.
package commands
