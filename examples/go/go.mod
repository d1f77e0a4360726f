module example.com/pubrio-example

go 1.19
