// Package grammar owns the text commands typed after /collab in Slack, in
// the console, or by a creator: parsing a line into a Command, the help,
// and running a command or a button click against the use cases, rendered
// through package present.
package grammar
