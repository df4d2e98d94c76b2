package grammar

import (
	"strings"

	"github.com/collabbot/collabbot/domain"
)

// Help is the plain-text help for a role: the verbs that role can use, each
// with its usage and an example, or with a topic the details of one verb.
// It is generated from the grammar's own table so help and parsing cannot
// drift apart.
func Help(topic string, role domain.Role) string {
	topic = strings.Join(strings.Fields(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(topic), "/"))), " ")
	if topic == "" || topic == "help" {
		return helpList(role)
	}
	if s, ok := helpTopic(topic); ok {
		return helpDetail(forRole(s, role))
	}
	return "There is no help for " + domain.QuoteInput(topic) + ".\n\n" + helpList(role)
}

// helpTopic finds a verb by its name, or by its first word so "help plan"
// and "help creator" both land somewhere useful.
func helpTopic(topic string) (verbSpec, bool) {
	if s, ok := verbSpecFor(topic); ok {
		return s, true
	}
	for _, s := range verbSpecs {
		if strings.HasPrefix(s.name, topic+" ") {
			return s, true
		}
	}
	return verbSpec{}, false
}

func visibleTo(s verbSpec, role domain.Role) bool {
	if role == domain.RoleCreator {
		return s.who == forCreators || s.who == forEveryone
	}
	return s.who != forCreators
}

func helpList(role domain.Role) string {
	var b strings.Builder
	if role == domain.RoleCreator {
		b.WriteString("Here is what you can do with collabbot. Invitations and samples also come with buttons.\n")
	} else {
		b.WriteString("Here is what the seller team can do with collabbot (type these after /collab in Slack).\n")
		if role != domain.RoleManager {
			b.WriteString("Commands marked (managers) need the manager role.\n")
		}
	}
	for _, s := range verbSpecs {
		if !visibleTo(s, role) {
			continue
		}
		s = forRole(s, role)
		b.WriteString("\n")
		b.WriteString(usageOf(s))
		if s.who == forManagers {
			b.WriteString("  (managers)")
		}
		b.WriteString("\n    ")
		b.WriteString(s.summary)
		if ex := helpExample(s, role); ex != usageOf(s) {
			b.WriteString(" Example: ")
			b.WriteString(ex)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nType help <command> for the details of one, like " + helpExample(verbSpecs[0], role) + ".")
	return b.String()
}

// helpExample is a verb's example, with help's own pointing at a command
// the reader can use.
func helpExample(s verbSpec, role domain.Role) string {
	if s.name == "help" && role != domain.RoleCreator {
		return "help invite"
	}
	return s.example
}

// forRole is the verb as its reader writes it.
func forRole(s verbSpec, role domain.Role) verbSpec {
	if role == domain.RoleCreator && s.mine != nil {
		mine := *s.mine
		mine.who, mine.detail = s.who, ""
		return mine
	}
	return s
}

func usageOf(s verbSpec) string {
	if s.args == "" {
		return s.name
	}
	return s.name + " " + s.args
}

func helpDetail(s verbSpec) string {
	var b strings.Builder
	b.WriteString(usageOf(s))
	b.WriteString("\n")
	b.WriteString(s.summary)
	switch s.who {
	case forManagers:
		b.WriteString(" Managers only.")
	case forTeam:
		b.WriteString(" For the seller team.")
	case forCreators:
		b.WriteString(" For creators.")
	}
	b.WriteString("\n")
	if s.detail != "" {
		b.WriteString("\n")
		b.WriteString(s.detail)
		b.WriteString("\n")
	}
	b.WriteString("\nExample: ")
	b.WriteString(s.example)
	return b.String()
}
