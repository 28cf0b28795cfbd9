//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"testing"
)

// TestConcurrentFirstRequests runs first on the fresh stack (its file sorts first): six sign-ups
// at once, while no signing key exists in auth and the gateway has fetched none. One Go instance
// serves all of an isolate's requests; when requests waited on a lock held across another
// request's I/O, the waiting ones could find that I/O's context gone and hang (3 runs in 6 lost
// sign-ups with "Internal server error"). Nothing may wait on another request's I/O.
func TestConcurrentFirstRequests(t *testing.T) {
	t.Run("sign-ups", func(t *testing.T) {
		for i := range 6 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				a := onboard(t, "/metadata")
				if r := get(t, "/rest/people?limit=1", "Authorization", "Bearer "+a.access); r.status != http.StatusOK {
					t.Errorf("people = %d %s", r.status, r.body)
				}
			})
		}
	})
}
