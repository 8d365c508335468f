/*
 * server_mhd.h — libmicrohttpd for `dealsearch serve`, loaded with
 * dlopen() when the server starts rather than linked in.
 *
 * Why: linked, libmicrohttpd.so.12 brings libgnutls and eight more
 * libraries into every run of the command, which is mostly start-up for
 * a search of a small corpus (the Makefile's LDLIBS comment); loaded, only
 * `serve` pays for them.  The functions keep libmicrohttpd's own
 * prototypes (microhttpd.h), so a call through the table is checked as a
 * direct call would be.
 */
#ifndef DEALSEARCH_SERVER_MHD_H
#define DEALSEARCH_SERVER_MHD_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <microhttpd.h>

#include "dealsearch.h"

/* The soname of Debian 12's libmicrohttpd12 (0.9.75), which
 * libmicrohttpd-dev depends on. */
#define DS_MHD_LIBRARY "libmicrohttpd.so.12"

typedef struct {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_quiesce_daemon) *quiesce_daemon;
    __typeof__(MHD_get_daemon_info) *get_daemon_info;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_get_connection_values) *get_connection_values;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_suspend_connection) *suspend_connection;
    __typeof__(MHD_resume_connection) *resume_connection;
} ds_mhd;

/* Load the library and fill `mhd`.  DS_ERR_IO, naming the library and
 * the package to install, when it is missing or lacks a function.  The
 * library stays loaded for the life of the process. */
ds_status ds_mhd_load(ds_mhd *mhd, char **err);

#endif
