package domain

import "fmt"

// Role is what a person may do. Sellers and managers are members of the
// seller team (Slack); creators are reached on Discord.
type Role string

const (
	RoleSeller  Role = "seller"
	RoleManager Role = "manager"
	RoleCreator Role = "creator"
	RoleSystem  Role = "system" // cron jobs and the dispatcher
	// RoleNone is a member whose role a manager removed: they may not act,
	// whatever channel they are in, until a manager gives one back.
	RoleNone Role = "none"
)

// ParseMemberRole accepts the roles a manager can give a member, and none
// to take a member's role away.
func ParseMemberRole(s string) (Role, error) {
	switch Role(s) {
	case RoleSeller, RoleManager, RoleNone:
		return Role(s), nil
	}
	return "", Invalidf("role", "Role must be seller, manager or none (got %q)", s)
}

// Member is a person on the seller team, keyed by their chat user ID (a
// Slack user ID, or a console name).
type Member struct {
	ID   string
	Name string
	Role Role
}

// Actor is whoever performs a use case. Exactly one of Member or CreatorID
// identifies them, depending on Role.
type Actor struct {
	Role      Role
	MemberID  string // sellers and managers
	CreatorID int64  // creators
	Name      string // for messages and the audit trail: "@maya_glow", "Dana"
}

// System is the actor of scheduled work.
var System = Actor{Role: RoleSystem, Name: "collabbot"}

// IsTeam reports whether the actor is on the seller team.
func (a Actor) IsTeam() bool { return a.Role == RoleSeller || a.Role == RoleManager }

// Ref is the actor as stored in the audit trail: "member:U123", "creator:7", "system".
func (a Actor) Ref() string {
	switch a.Role {
	case RoleCreator:
		return fmt.Sprintf("creator:%d", a.CreatorID)
	case RoleSystem:
		return "system"
	}
	return "member:" + a.MemberID
}

// Display is how the actor is named to people.
func (a Actor) Display() string {
	if a.Name != "" {
		return a.Name
	}
	if a.Role == RoleCreator {
		return fmt.Sprintf("creator %d", a.CreatorID)
	}
	return a.MemberID
}

// RequireTeam refuses anyone who is not a seller or manager.
func (a Actor) RequireTeam(action string) error {
	if a.IsTeam() {
		return nil
	}
	return Errorf(KindForbidden, "Only the seller team can %s.", action)
}

// RequireManager refuses anyone who is not a manager.
func (a Actor) RequireManager(action string) error {
	if a.Role == RoleManager {
		return nil
	}
	return Errorf(KindForbidden, "Only a manager can %s; you are a %s.", action, a.Role)
}

// RequireCreator refuses anyone who is not a creator.
func (a Actor) RequireCreator(action string) error {
	if a.Role == RoleCreator && a.CreatorID != 0 {
		return nil
	}
	return Errorf(KindForbidden, "Only a creator can %s.", action)
}
