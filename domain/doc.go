// Package domain owns collabbot's vocabulary and rules: creators, products,
// targeted collaborations and their invitations, open plans and their
// commission rules, free samples, content, audit events and outgoing
// messages. It is pure: no I/O, no clock (callers pass "now"), no knowledge of
// Slack, Discord or SQL. Every state machine of PRODUCT.md is an explicit
// transition table here, so an illegal move is an error naming from and to.
package domain
