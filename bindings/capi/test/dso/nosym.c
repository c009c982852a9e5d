/* A DSO without connector_init, which flux_open must refuse. */
int fluxgo_test_nosym (void)
{
    return 42;
}
