package pubrio

/*
#include <pubrio/pubrio.h>
*/
import "C"

import "strings"

// Status is the outcome of a call, pubrio_status in C: its values are the C
// library's and are fixed forever. A Status is an error so that the
// constants below serve as sentinels: errors.Is(err, pubrio.ErrBadRequest).
type Status int

// The statuses of the C library (pubrio_status), as sentinel errors.
const (
	StatusOK            Status = C.PUBRIO_OK
	ErrInvalidArgument  Status = C.PUBRIO_E_INVALID_ARGUMENT   // bad input caught before sending
	ErrOutOfMemory      Status = C.PUBRIO_E_OUT_OF_MEMORY      // an allocation failed
	ErrNoAPIKey         Status = C.PUBRIO_E_NO_API_KEY         // no key given and none in PUBRIO_API_KEY
	ErrTransport        Status = C.PUBRIO_E_TRANSPORT          // DNS, connect, reset, protocol failure
	ErrTimeout          Status = C.PUBRIO_E_TIMEOUT            // connect or total timeout reached
	ErrTLS              Status = C.PUBRIO_E_TLS                // TLS handshake or certificate failure
	ErrBadRequest       Status = C.PUBRIO_E_BAD_REQUEST        // HTTP 400: the API rejected the input
	ErrUnauthorized     Status = C.PUBRIO_E_UNAUTHORIZED       // HTTP 401 or 403: bad or missing key
	ErrPaymentRequired  Status = C.PUBRIO_E_PAYMENT_REQUIRED   // HTTP 402: out of credits
	ErrRateLimited      Status = C.PUBRIO_E_RATE_LIMITED       // HTTP 429, still after retries
	ErrServer           Status = C.PUBRIO_E_SERVER             // HTTP 5xx
	ErrHTTP             Status = C.PUBRIO_E_HTTP               // any other non-2xx HTTP status
	ErrProtocol         Status = C.PUBRIO_E_PROTOCOL           // the response breaks the contract
	ErrResponseTooLarge Status = C.PUBRIO_E_RESPONSE_TOO_LARGE // body over the configured cap
	ErrWaitTimeout      Status = C.PUBRIO_E_WAIT_TIMEOUT       // wait deadline reached, not complete
	ErrCancelled        Status = C.PUBRIO_E_CANCELLED          // a context was done, or the run was stopped
	ErrCreditBudget     Status = C.PUBRIO_E_CREDIT_BUDGET      // a bulk run stopped at its credit budget
	ErrJournal          Status = C.PUBRIO_E_JOURNAL            // a bulk run's journal cannot be used
)

// String is the C library's name for the status ("bad request", ...).
func (s Status) String() string {
	return C.GoString(C.pubrio_status_str(C.pubrio_status(s)))
}

// Error makes a Status a sentinel error.
func (s Status) Error() string { return "pubrio: " + s.String() }

// SubmitState says what became of a submit, as far as credits go.
type SubmitState int

const (
	// SubmitNone: the call made no submit.
	SubmitNone SubmitState = C.PUBRIO_SUBMIT_NONE
	// SubmitNotSpent: nothing was charged; sending it again is safe.
	SubmitNotSpent SubmitState = C.PUBRIO_SUBMIT_NOT_SPENT
	// SubmitUncertain: the submit left and no conclusive answer came back;
	// the API may have charged for it. Do not send it again blindly.
	SubmitUncertain SubmitState = C.PUBRIO_SUBMIT_UNCERTAIN
	// SubmitAccepted: the submit was accepted (credits spent) and a later
	// step failed; collect Error.RedeemQueryID with Client.Wait, never
	// submit again.
	SubmitAccepted SubmitState = C.PUBRIO_SUBMIT_ACCEPTED
)

func (s SubmitState) String() string {
	switch s {
	case SubmitNone:
		return "none"
	case SubmitNotSpent:
		return "not spent"
	case SubmitUncertain:
		return "uncertain"
	case SubmitAccepted:
		return "accepted"
	}
	return "unknown"
}

// ContactType is a set of contact types, bits that can be or-ed:
// pubrio.EmailWork | pubrio.Phone.
type ContactType uint

const (
	EmailPersonal ContactType = C.PUBRIO_CONTACT_EMAIL_PERSONAL // "email-personal"
	EmailWork     ContactType = C.PUBRIO_CONTACT_EMAIL_WORK     // "email-work"
	Phone         ContactType = C.PUBRIO_CONTACT_PHONE          // "phone"
)

// String is the wire names, joined by "|" ("email-work|phone"); "" for none.
func (t ContactType) String() string {
	var names []string
	for bit := ContactType(1); bit != 0 && bit <= t; bit <<= 1 {
		if t&bit == 0 {
			continue
		}
		if name := C.pubrio_contact_type_str(C.pubrio_contact_type(bit)); name != nil {
			names = append(names, C.GoString(name))
		} else {
			names = append(names, "unknown")
		}
	}
	return strings.Join(names, "|")
}

// ParseContactType reads one wire name ("email-personal", "email-work",
// "phone"); anything else is an *Error with ErrInvalidArgument.
func ParseContactType(name string) (ContactType, error) {
	for _, t := range []ContactType{EmailPersonal, EmailWork, Phone} {
		if t.String() == name {
			return t, nil
		}
	}
	return 0, &Error{Status: ErrInvalidArgument,
		Message: "unknown contact type " + quote(name) +
			" (expected email-personal, email-work or phone)"}
}
