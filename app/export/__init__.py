"""Writers that turn a contract packet into files people keep: PDF and Excel."""
