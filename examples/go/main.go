// libpubrio from Go through cgo: submit a batch and wait for it.
// `go run . ID...` with PUBRIO_API_KEY (and PUBRIO_BASE_URL) set, and
// PKG_CONFIG_PATH naming the directory of libpubrio.pc.
package main

/*
#cgo pkg-config: libpubrio
#include <pubrio/pubrio.h>
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"
)

func main() {
	fmt.Println("libpubrio", C.GoString(C.pubrio_version()))
	var err C.pubrio_error
	defer C.pubrio_error_clear(&err)
	var client *C.pubrio_client
	var request *C.pubrio_batch_request
	var result *C.pubrio_query_result
	status := C.pubrio_client_new(&client, nil, &err)
	defer C.pubrio_client_free(client)
	if status == C.PUBRIO_OK {
		status = C.pubrio_batch_request_new(&request, &err)
	}
	defer C.pubrio_batch_request_free(request)
	for _, id := range os.Args[1:] {
		cid := C.CString(id)
		if status == C.PUBRIO_OK {
			status = C.pubrio_batch_request_add_person(request, cid, &err)
		}
		C.free(unsafe.Pointer(cid))
	}
	if status == C.PUBRIO_OK {
		status = C.pubrio_batch_request_add_contact_types(request, C.PUBRIO_CONTACT_PHONE, &err)
	}
	if status == C.PUBRIO_OK {
		status = C.pubrio_redeem_people_batch_and_wait(client, request, nil, &result, &err)
	}
	defer C.pubrio_query_result_free(result)
	if status != C.PUBRIO_OK {
		fmt.Fprintf(os.Stderr, "error %s: %s\n", C.GoString(C.pubrio_status_str(status)), C.GoString(err.message))
		os.Exit(1)
	}
	for i := C.size_t(0); i < result.people_count; i++ {
		person := C.pubrio_query_result_person(result, i)
		for k := C.size_t(0); k < person.phone_count; k++ {
			fmt.Println(C.GoString(person.people_search_id), C.GoString(C.pubrio_person_phone(person, k).value))
		}
	}
}
