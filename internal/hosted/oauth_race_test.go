package hosted_test

import (
	"net/http"
	"sync"
	"testing"
)

// TestCodeRedemptionRace: concurrent redemptions of one code — on a store
// whose transactions all run twice — yield exactly one set of tokens; every
// other request is invalid_grant.
func TestCodeRedemptionRace(t *testing.T) {
	e := newEnv(t)
	a := e.oauthApp(nil, nil)
	alice := e.appUser(a, "alice@example.com")
	const racers = 8
	for round := range 3 {
		code := e.code(a.authorize(nil), alice)
		answers := make([]*oauthAnswer, racers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				<-start
				answers[i] = e.post(a, tokenCall{Form: codeForm(a, code)})
			})
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, ans := range answers {
			switch {
			case ans.Status == http.StatusOK && ans.str("refresh_token") != "":
				ok++
			case ans.Status != http.StatusBadRequest || ans.str("error") != "invalid_grant":
				t.Errorf("round %d: a loser got %d %s, want invalid_grant", round, ans.Status, ans.Raw)
			}
		}
		if ok != 1 {
			t.Errorf("round %d: %d redemptions succeeded, want exactly 1", round, ok)
		}
	}
}
