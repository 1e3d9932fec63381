"Stand-in for Configuration.AlCa.GlobalTag: GlobalTag(essource, globaltag, conditions) sets the source's global tag"


def GlobalTag(essource, globaltag, conditions=None):
    if not globaltag: raise ValueError('GlobalTag: empty global tag')
    essource.globaltag = globaltag   # the release resolves 'auto:...' from Configuration.AlCa.autoCond
    return essource
