/* server_mhd.c — loading libmicrohttpd (server_mhd.h). */
#include "server_mhd.h"

#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "util.h"

ds_status ds_mhd_load(ds_mhd *mhd, char **err)
{
    const struct {
        const char *name;
        size_t offset;
    } symbols[] = {
        {"MHD_start_daemon", offsetof(ds_mhd, start_daemon)},
        {"MHD_stop_daemon", offsetof(ds_mhd, stop_daemon)},
        {"MHD_quiesce_daemon", offsetof(ds_mhd, quiesce_daemon)},
        {"MHD_get_daemon_info", offsetof(ds_mhd, get_daemon_info)},
        {"MHD_get_connection_info", offsetof(ds_mhd, get_connection_info)},
        {"MHD_get_connection_values", offsetof(ds_mhd, get_connection_values)},
        {"MHD_create_response_from_buffer",
         offsetof(ds_mhd, create_response_from_buffer)},
        {"MHD_add_response_header", offsetof(ds_mhd, add_response_header)},
        {"MHD_queue_response", offsetof(ds_mhd, queue_response)},
        {"MHD_destroy_response", offsetof(ds_mhd, destroy_response)},
        {"MHD_suspend_connection", offsetof(ds_mhd, suspend_connection)},
        {"MHD_resume_connection", offsetof(ds_mhd, resume_connection)},
    };
    memset(mhd, 0, sizeof *mhd);
    void *lib = dlopen(DS_MHD_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return ds_fail(err, DS_ERR_IO,
                       "cannot load %s (%s): 'dealsearch serve' needs "
                       "libmicrohttpd (apt-get install libmicrohttpd12)",
                       DS_MHD_LIBRARY, dlerror());
    for (size_t i = 0; i < sizeof symbols / sizeof *symbols; i++) {
        void *fn = dlsym(lib, symbols[i].name);
        if (!fn)
            return ds_fail(err, DS_ERR_IO, "%s has no %s", DS_MHD_LIBRARY,
                           symbols[i].name);
        /* POSIX: a function's address from dlsym, stored as the
         * function pointer it is (ISO C has no cast for it). */
        memcpy((char *)mhd + symbols[i].offset, &fn, sizeof fn);
    }
    return DS_OK;
}
