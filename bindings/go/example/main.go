package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

func main() { // go run ./example ID... with PUBRIO_API_KEY set
	result, err := pubrio.Redeem(context.Background(), pubrio.EmailWork|pubrio.Phone, os.Args[1:]...)
	if err != nil {
		log.Fatal(err)
	}
	for _, person := range result.People {
		fmt.Println(person.ID, person.Emails, person.Phones)
	}
}
