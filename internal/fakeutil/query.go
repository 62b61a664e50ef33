package fakeutil

import (
	"encoding/xml"
	"fmt"
	"net/http"
)

// QueryError is an awsQuery service's error (IAM, STS): what
// [WriteQueryError] writes as <ErrorResponse>.
type QueryError struct {
	Status        int
	Code, Message string
	// Receiver marks a service-side fault (Type Receiver); by default the
	// error is the caller's (Type Sender).
	Receiver bool
}

// WriteQueryResult writes an awsQuery response: result (an XML-marshalable
// value whose root is <ActionResult>) inside <ActionResponse xmlns=ns>, with
// the request id in ResponseMetadata and the X-Amzn-Requestid header.
func WriteQueryResult(w http.ResponseWriter, ns, action, reqID string, result any) {
	body, err := xml.Marshal(result)
	if err != nil {
		WriteQueryError(w, ns, reqID, QueryError{Status: http.StatusInternalServerError, Code: "InternalFailure", Message: err.Error(), Receiver: true})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", reqID)
	_, _ = fmt.Fprintf(w, `<%sResponse xmlns="%s">%s<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
		action, ns, body, reqID, action)
}

// WriteQueryError writes an awsQuery error document:
// <ErrorResponse xmlns=ns><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>.
func WriteQueryError(w http.ResponseWriter, ns, reqID string, e QueryError) {
	typ := "Sender"
	if e.Receiver {
		typ = "Receiver"
	}
	var msg struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Error   struct {
			Type    string `xml:"Type"`
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
		RequestID string `xml:"RequestId"`
	}
	msg.Xmlns = ns
	msg.Error.Type, msg.Error.Code, msg.Error.Message = typ, e.Code, e.Message
	msg.RequestID = reqID
	b, _ := xml.Marshal(msg)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", reqID)
	w.WriteHeader(e.Status)
	_, _ = w.Write(b)
}
