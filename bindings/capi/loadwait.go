package main

/*
#include "capi.h"
*/
import "C"

// Package initialization runs after the runtime's start-up: from here on
// the library's load need not wait any longer (loadwait.c).
func init() { C.fluxgo_loadwait_done() }
