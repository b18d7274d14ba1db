package server_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// BenchmarkSRPSignIn measures the server's side of one USER_SRP_AUTH
// sign-in, in-process: InitiateAuth (user lookup, B = k·v + g^b, the
// sealed SECRET_BLOCK) and RespondToAuthChallenge PASSWORD_VERIFIER
// (lockout count, single-use mark, S and the key, tokens). The client's
// own work (srpClient.answer) is outside the timer.
func BenchmarkSRPSignIn(b *testing.B) {
	srv, pool, client := benchHandler(b, 1)
	c := newSRPClient(b, pool)
	start := fmt.Sprintf(`{"ClientId":%q,"AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":"user0","SRP_A":%q}}`, client, c.srpA())
	for b.Loop() {
		var ch struct{ ChallengeParameters map[string]string }
		if err := json.Unmarshal([]byte(mustCall(b, srv, "InitiateAuth", start)), &ch); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		answer, _ := json.Marshal(map[string]any{"ClientId": client, "ChallengeName": "PASSWORD_VERIFIER",
			"ChallengeResponses": c.answer(ch.ChallengeParameters, "Passw0rd!", clientTimestamp(time.Now()))})
		b.StartTimer()
		mustCall(b, srv, "RespondToAuthChallenge", string(answer))
	}
}
