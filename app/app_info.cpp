#include "app_info.h"

#include "build_info.h"

#include <QtGlobal> // qVersion

namespace nanovlm::app {

QString AppInfo::version() const {
    return QString::fromLatin1(build_version());
}

QString AppInfo::commit() const {
    return QString::fromLatin1(build_commit());
}

QString AppInfo::qtVersion() const {
    return QString::fromLatin1(qVersion());
}

} // namespace nanovlm::app
