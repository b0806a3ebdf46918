# guest side of kill9: prepare, write and fsync, report, then keep running
. /guest-tests/pmem-lib.sh
pmem_write_fsynced
sleep 600
