package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"

	"creditdesk/internal/creditdesk"
)

// TokenSigner signs and verifies bearer tokens: the username and an
// HMAC-SHA256 of it under the server's secret, both base64url. A token names
// a user; what the user may do is looked up on every request, so changing a
// role takes effect at once.
type TokenSigner struct{ Secret []byte }

// Sign returns a bearer token for username.
func (s TokenSigner) Sign(username string) (string, error) {
	if len(s.Secret) < 16 {
		return "", errors.New("token secret must be at least 16 bytes (set CREDITDESK_SECRET)")
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(username)) + "." + enc.EncodeToString(s.mac(username)), nil
}

// Verify returns the username a token was signed for, or UNAUTHENTICATED.
func (s TokenSigner) Verify(token string) (string, error) {
	enc := base64.RawURLEncoding
	user, sig, ok := strings.Cut(token, ".")
	if ok {
		name, err1 := enc.DecodeString(user)
		mac, err2 := enc.DecodeString(sig)
		if err1 == nil && err2 == nil && hmac.Equal(mac, s.mac(string(name))) {
			return string(name), nil
		}
	}
	return "", creditdesk.Errorf(creditdesk.EUNAUTHENTICATED, "invalid bearer token")
}

func (s TokenSigner) mac(username string) []byte {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(username))
	return m.Sum(nil)
}
