#include "window_capture.h"

#include <QImage>
#include <QQuickWindow>

namespace nanovlm::app {

bool WindowCapture::save(QQuickWindow* window, const QString& file) const {
    if (window == nullptr) {
        return false;
    }
    const QImage image = window->grabWindow();
    return !image.isNull() && image.save(file, "PNG");
}

} // namespace nanovlm::app
