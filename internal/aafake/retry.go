package aafake

import "github.com/s3secure/s3secure/internal/testretry"

// ClosedConnRetryer is the retryer of this package's clients: it retries no
// service error, only a connection the client's transport closed under it.
// See [testretry.ClosedConn].
type ClosedConnRetryer = testretry.ClosedConn
