package recordmatch

// MatchesEvent reports whether a record event concerns q, as Twenty's
// isQueryMatchingObjectRecordEvent decides: the event's object must be q's; a query without a
// filter takes every event of it; otherwise the record the event delivers (after, else before)
// must match, and for an update the record before counts too, so a record leaving a list is news
// to it. Deleted and restored records are not held to the soft-delete default.
func MatchesEvent(q Query, object, action string, before, after map[string]any) bool {
	if q.Object == "" || q.Object != object {
		return false
	}
	delivered := after
	if delivered == nil {
		delivered = before
	}
	if delivered == nil {
		return false
	}
	if q.Filter == nil {
		return true
	}
	includeDeleted := action == "DELETED" || action == "RESTORED"
	if Matches(q.Filter, delivered, includeDeleted) {
		return true
	}
	return action == "UPDATED" && before != nil && after != nil && Matches(q.Filter, before, includeDeleted)
}
